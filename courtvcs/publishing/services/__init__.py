"""Write paths of publishing: the outbox events (outbox.py) and their delivery (delivery.py)."""
