"""The Thai text of the staff office: what the chat says about web logins (`chat`) and the
words the office's pages take from Python (`pages`); the rest is in the office's templates."""
