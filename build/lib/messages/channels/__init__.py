"""Text only one channel shows: the console, LINE (status card, rich menu), Telegram."""
