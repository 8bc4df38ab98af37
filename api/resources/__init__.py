"""One module per resource group. Each defines its viewsets and a `ROUTES` list of
`(prefix, viewset, basename)`, which api/urls.py registers under /api/v1/ (modules are found
automatically, in name order)."""
