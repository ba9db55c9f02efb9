"""The Telegram channel: Bot API updates in (webhook or polling), rendered replies out."""
