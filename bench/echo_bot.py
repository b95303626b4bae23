"""A bare python-telegram-bot echo bot: the baseline that bench_throughput.py compares against."""

from __future__ import annotations

import argparse
import logging

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(update.effective_message.text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--base-url", required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    app = ApplicationBuilder().token(args.token).base_url(args.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(timeout=1, allowed_updates=[Update.MESSAGE])


if __name__ == "__main__":
    main()
