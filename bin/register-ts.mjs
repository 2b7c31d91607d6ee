// Lets Node import the project's .ts files (see ts-hooks.mjs). Import this before any .ts module.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
process.setSourceMapsEnabled(true);
