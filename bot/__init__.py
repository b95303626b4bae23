"""The Telegram-facing part of NextSteps: application wiring, handlers, rendering, emulator."""
