"""The dispatch catalog (派单目录): file format, import/export, the starter catalog, the generator, selectors.

Modules that touch the database (services, selectors) are imported explicitly; `fileformat`, `starter`
and `generator` work on plain rows and need no database.
"""
