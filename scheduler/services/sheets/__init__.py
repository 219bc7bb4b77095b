"""Spreadsheets: a rota week and the staff file exported to CSV and Excel, and imported back.

``tables`` knows the file formats, ``week`` lays out a rota, ``staff_file`` the staff
and competency columns, ``staff_import`` plans and applies an import, and ``pending``
keeps an upload on the server between its preview and the supervisor's confirmation.
"""
