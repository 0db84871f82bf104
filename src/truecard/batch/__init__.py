"""Batch scans: many models, a ledger, local or Ray workers."""
