import fortnite from './fortnite.json' with { type: 'json' };
import leagueOfLegends from './league-of-legends.json' with { type: 'json' };
import roblox from './roblox.json' with { type: 'json' };
import valorant from './valorant.json' with { type: 'json' };
import worldOfWarcraft from './world-of-warcraft.json' with { type: 'json' };
import type { GameTemplateService, NewGame } from '../ports.js';

/**
 * The games and offer templates a new database starts with (seeded with the demo). One JSON
 * file per game: `game` as the catalogue serves it, `templates` by service. Imported as JSON
 * modules, so the build writes them next to the compiled code and `npm start` finds them.
 * Template contents follow spec/gameboost-offers-and-disputes.md 3.8; values are samples.
 */
export interface CatalogueEntry {
  game: Required<NewGame>;
  templates: Partial<Record<GameTemplateService, Record<string, unknown>>>;
}

export const CATALOGUE: readonly CatalogueEntry[] = [leagueOfLegends, fortnite, valorant, worldOfWarcraft, roblox] as CatalogueEntry[];
