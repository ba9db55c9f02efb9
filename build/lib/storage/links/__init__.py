"""Files the bot may hand out by signed link: a link can only name a registered file."""
