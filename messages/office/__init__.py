"""The Thai text of the staff office: what the chat says about web logins (`chat`), the
words the office's pages take from Python (`pages`), and those of the statistics and plan
pages (`statistics`, `plan`); the rest is in the office's templates."""
