"""Persistence for NextSteps: SQLModel tables, engine set-up and migrations. No Telegram here."""
