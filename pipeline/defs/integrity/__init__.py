"""Integrity alarms: every registered snapshot and part re-hashed on each refresh."""
