"""What the team survey and the CEO quick check share: pages, questions, parsing, navigation.

Neither audience imports the other; both build on this package.
"""
