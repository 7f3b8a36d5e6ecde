"""Pure metric functions: from resolved message views (and the campaign) to report sections.

Nothing here reads a file, a clock, an environment variable or a global.
"""
