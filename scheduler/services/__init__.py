"""Services: the only code that touches both the database and the rota engine."""
