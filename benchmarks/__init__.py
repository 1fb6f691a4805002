"""`briefings bench`: honest figures on a synthetic newsroom-sized project, measured the way a user feels them.

- `project`: the synthetic project (deterministic from a seed) and the edits an editor makes.
- `processes`: a command's wall time and peak memory, as a whole process, from the outside.
- `pss`: a command's memory with every process it starts (the summed PSS), from the outside.
- `parse_floor`: the floor every lint is compared with: libyaml (`CSafeLoader`) loading every YAML file.
- `phases`: inside one process, where our own time goes (lint, pages, exports, writing).
- `mkdocs_build`: a full `mkdocs build`, and the share of it that is our generation.
- `serve`: `make serve`'s command on the project: ready after a cold start, and from a saved edit to the
  served page showing it.
- `run`: the measurements at each size, the table and the JSON report.
- `compare`: two versions of the code (checkouts) alternated on one project: what a change gains or costs.

Nothing here is imported by `build_tools`; the CLI finds this package beside it in a source checkout.
"""
