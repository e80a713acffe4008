"""Catalog API (fix case for FAPI505)."""
