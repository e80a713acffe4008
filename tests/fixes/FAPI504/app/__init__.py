"""Billing API (fix case for FAPI504)."""
