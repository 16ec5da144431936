"""The touch screens: pygame-ce views of `kiosk.views.View` that answer with `kiosk.views.Intent`.

Start at `screens.runner.ScreenRunner`; the screen table is in docs/screens.md.
"""
