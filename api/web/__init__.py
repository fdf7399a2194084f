"""The pages people use in a browser (issue 17): server-rendered Jinja2 in the
State's design system (DSFR), its files vendored under static/vendor/ (from npm
with package-lock.json, `make assets`), so that nothing loads from a CDN."""
