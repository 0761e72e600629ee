"""The words: `messages` (every problem and note, in both languages; imports nothing) and `labels` (page
labels, number formats, status words and colours). Nothing is imported here: `analytics.errors` reads
`messages` at start-up and should load nothing else.
"""
