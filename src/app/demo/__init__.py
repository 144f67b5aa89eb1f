"""The demo commune, for demonstrations, training and benchmarks.

names.py       Vietnamese and minority names from resources/demo/names.json
households.py  synthetic households, deterministic for a seed
accounts.py    one account per role
commune.py     Xã Ea Ly, created and classified in an empty database (`create_demo`)
"""
