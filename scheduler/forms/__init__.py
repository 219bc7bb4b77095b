"""WTForms classes, one module per area of the app, one class per editable thing."""
