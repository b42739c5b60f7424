"""Every write to a ticket goes through these services: lock, check, transition, audit, side effects on commit."""
