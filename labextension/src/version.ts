/**
 * Module name and version of the glove_lab widget front end.
 *
 * They must match the Python side: `_model_module = _view_module =
 * "glove-lab"` and `_model_module_version = _view_module_version =
 * "^0.1.0"` (the Python side gives a semver range; this exact version has to
 * satisfy it).
 */
export const MODULE_NAME = 'glove-lab';
export const MODULE_VERSION = '0.1.0';
