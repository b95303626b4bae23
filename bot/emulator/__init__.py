"""A local Telegram Bot API emulator (real HTTP on 127.0.0.1), strict where Telegram is strict.

Used by ``nextsteps demo``, the end-to-end tests and the benchmarks. ``Emulator`` serves the
Bot API at ``{base_url}{token}/{method}`` plus a small control API under ``/control/`` that
lets tests act as users; ``EmulatorClient`` is the Python side of that control API.
"""

from bot.emulator.client import EmulatorClient, Sent
from bot.emulator.server import Emulator
from bot.emulator.state import FloodPolicy

__all__ = ["Emulator", "EmulatorClient", "FloodPolicy", "Sent"]
