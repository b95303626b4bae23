"""Domain rules and services for NextSteps. Nothing here imports Telegram."""
