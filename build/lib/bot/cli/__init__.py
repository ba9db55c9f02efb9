"""The `complaintbot` command line: `main` is the entry point, one module per command group.

Commands call the same handler and storage functions as the chat, and print Thai text from
`messages.cli`; they may import any other room of `bot`.
"""
