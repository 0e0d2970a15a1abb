"""The notification outbox: rows written in the same transaction as the change that causes
them (`services.enqueue`), delivered by the dispatcher through `notifications/`."""
