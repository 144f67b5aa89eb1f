"""Last year's lists from Excel (issue #7): read a sheet, find its header, map its columns,
turn its rows into households, match those already known, and import all or nothing.

    sheet.py     the .xlsx sheet as a grid, merged cells filled in
    layout.py    the header row and the guessed column mapping
    place.py     what the title rows say (whose list, which year, which households)
    mapping.py   the officer's mapping, saved for reuse
    fields.py    what each column can hold and how its cells are read
    rows.py      data rows → households, every problem marked with row and column
    matching.py  households RaSoat already knows: matched, proposed, never doubled
    build.py     listed households as exchange-format households
    writing.py   the analysed list written into the register
    importing.py the officer's action: analyse and preview, then import
"""
