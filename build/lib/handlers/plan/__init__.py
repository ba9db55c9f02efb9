"""The anti-corruption plan for citizens: the summary, browsing by มิติ, finding the item a
question is about, and answers that combine the plan's data.
"""
