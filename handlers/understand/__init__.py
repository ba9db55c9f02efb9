"""Reading free text: what a citizen typed at the main menu, typed answers where
buttons are offered, and the offers made when a complaint or tip is typed instead of pressed.
May import the citizen and plan flows it hands over to.
"""
