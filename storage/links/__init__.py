"""Files the bot may hand out by signed link: registered statistics files and complaint
photos; a link can only name one of those."""
