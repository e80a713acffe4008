"""Billing service (fix case for FAPI501)."""
