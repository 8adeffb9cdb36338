#pragma once
// Design-space sweeps: a sweep file names a base config, axes (config keys and their values),
// seeds, fixed overrides and constraints; the points are the cartesian product minus the
// constraints. Loading a sweep validates every value its points are made of (base, overrides,
// axis values, seeds) against the config schema, which checks key by key, so every
// combination is valid too and a bad sweep fails before any point runs; the configs
// themselves are built (through mx::Config again) just before a run starts its points.
// Each point then runs as its own `metaxbar run`
// process (one SystemC elaboration per process) in DIR/points/<id>/, and the table of
// results is rebuilt from those directories, which is what makes a sweep resumable and
// its shards mergeable.
// The parts live in their own files: sweep_file (the sweep file and its manifest),
// sweep_expand (values, constraints, point order), sweep_tables (results), sweep_pareto,
// sweep_pool (worker processes), sweep_shards (shards and merge), sweep_slurm.
#include "tb/sweep_expand.h"
#include "tb/sweep_file.h"
#include "tb/sweep_pareto.h"
#include "tb/sweep_pool.h"
#include "tb/sweep_shards.h"
#include "tb/sweep_slurm.h"
#include "tb/sweep_tables.h"
