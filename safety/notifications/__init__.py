"""The notification outbox: every notification is a row first; channels deliver it later, with retries."""
