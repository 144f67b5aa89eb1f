"""The household exchange format v1 (`rasoat.households/1`, ../shared/contracts/households-v1.md).

read.py       reading a file, all or nothing, with a message per problem
fast.py       the reader's fast path for well-formed records (checked equal to read.py)
write.py      writing the format
importing.py  an exchange file into the commune's register, validated, written in bulk
exporting.py  the register out as an exchange file
"""
