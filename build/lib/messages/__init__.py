"""Every Thai word the bot shows, as constants and small formatting functions.

At the top, what every part shares: menus and errors, Thai dates and digits, contact rules,
organisation defaults. One subpackage or module per capability. Imports nothing from the
project but `messages` itself.
"""
