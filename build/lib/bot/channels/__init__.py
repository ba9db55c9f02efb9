"""Chat channels: platform events in as neutral `Event`s, the core's replies out.

One package per platform (`line`, `telegram`) plus the console, and what they share: the
durable inbox, per-chat locks, bot accounts, safe webhook bodies. Only here are chat SDKs imported.
"""
