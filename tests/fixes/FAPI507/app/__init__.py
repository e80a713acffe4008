"""Inventory API (fix case for FAPI507)."""
