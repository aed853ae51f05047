"""Trend steps: which points make each cited series (`series`) and storing fits (`fitting`)."""
