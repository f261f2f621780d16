"""The core evidence kinds: rating, activity, reflection and attainment (registered in ``kinds.hooks``)."""
