"""Telegram's hard limits, in one place."""

MESSAGE_TEXT_LIMIT = 4096  # characters after entity parsing
CAPTION_LIMIT = 1024
CALLBACK_DATA_MAX_BYTES = 64
CALLBACK_ANSWER_TEXT_LIMIT = 200
COMMAND_DESCRIPTION_LIMIT = 256
START_PAYLOAD_MAX = 64
# Splitting aims a little below the limit so a final edit or suffix never tips a message over.
SPLIT_TARGET = MESSAGE_TEXT_LIMIT - 96
