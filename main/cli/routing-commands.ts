// `lynkr mode`, `lynkr alias list|set|rm` and `lynkr map list|set|rm`: the Routing page's controls, through the
// same admin API. A mode switch that would leave aliases without any target is refused with their names unless
// --force: a switch that silently turns every request into a 503 is not what someone typing `lynkr mode cloud`
// expects, and the window asks first too.
import { Argument, type Command } from 'commander';
import type { AliasView, Mode, ModeCheck, ModeResponse, RoutingView, StatusResponse, UnroutedAlias } from '../admin/contract.js';
import { CliError, type AdminClient } from './admin-client.js';

export interface AdminOpts {
  port?: number;
  dataDir?: string;
  json?: boolean;
}

export interface RoutingCommandContext {
  /** Adds --port, --data-dir and --json. */
  admin(cmd: Command): Command;
  client(o: AdminOpts): AdminClient;
  print(o: AdminOpts, value: unknown, text: () => string): void;
  err(text: string): void;
}

const path = (name: string) => `/aliases/${encodeURIComponent(name)}`;

export function unroutedWarning(mode: Mode, unrouted: UnroutedAlias[]): string {
  const names = unrouted.map((u) => u.alias).join(', ');
  return `mode ${mode} leaves ${unrouted.length === 1 ? 'this alias' : 'these aliases'} without a target: ${names} (requests for them get 503). Add a ${mode} target with \`lynkr alias set <alias> <provider/model> …\`, or switch anyway with --force.`;
}

export function formatAliases(list: AliasView[]): string {
  return list
    .map((a) => {
      const targets = a.targets.map((t) => `${t.label} (${t.locality}${t.allowed ? '' : ', skipped in this mode'})`).join(' → ') || 'no targets';
      return `${a.name}${a.tiered ? ' [tiered]' : ''}${a.description ? ` — ${a.description}` : ''}\n    ${targets}`;
    })
    .join('\n');
}

export function registerRoutingCommands(program: Command, ctx: RoutingCommandContext): void {
  const { admin, client, print } = ctx;

  admin(
    program
      .command('mode')
      .description('show or switch the routing mode (local: local providers only; cloud: cloud only; auto: local first)')
      .addArgument(new Argument('[mode]', 'new mode').choices(['local', 'cloud', 'auto']))
      .option('-f, --force', 'switch even if some aliases would be left without a target'),
  ).action(async (mode: Mode | undefined, o: AdminOpts & { force?: boolean }) => {
    const c = client(o);
    if (!mode) {
      const s = await c.get<StatusResponse>('/status');
      print(o, { mode: s.mode, pinnedBy: s.pinned.mode }, () => `mode: ${s.mode}${s.pinned.mode ? ` (set by ${s.pinned.mode} at start)` : ''}`);
      return;
    }
    if (!o.force) {
      const check = await c.get<ModeCheck>(`/mode/check?mode=${mode}`);
      if (check.unrouted.length > 0) throw new CliError(unroutedWarning(mode, check.unrouted));
    }
    const res = await c.send<ModeResponse>('PUT', '/mode', { mode });
    print(o, res, () =>
      res.pinnedBy
        ? `mode: ${res.mode} until the gateway restarts: ${res.pinnedBy} sets the mode at every start (unset it to keep this choice)`
        : `mode: ${res.mode} (saved; streams in flight keep their route)`,
    );
    if (res.unrouted?.length && !o.json) ctx.err(`warning: no target in mode ${res.mode} for ${res.unrouted.map((u) => u.alias).join(', ')}`);
  });

  const alias = program.command('alias').description('aliases: the names clients ask for, and their targets in fallback order');
  admin(alias.command('list').description('every alias with its targets')).action(async (o: AdminOpts) => {
    const list = await client(o).get<AliasView[]>('/aliases');
    print(o, list, () => formatAliases(list));
  });
  admin(
    alias
      .command('set')
      .description('create an alias or replace its targets (in order: the first that answers wins)')
      .argument('<name>', 'alias name, e.g. chat-fast')
      .argument('[targets...]', 'provider/model, e.g. ollama/llama3.2:3b openai/gpt-4o-mini')
      .option('-d, --description <text>', 'what the alias is for')
      .option('--rename <new-name>', 'rename it (model-map entries and the default model follow)'),
  ).action(async (name: string, targets: string[], o: AdminOpts & { description?: string; rename?: string }) => {
    const c = client(o);
    const body: { targets?: string[]; description?: string } = {};
    if (targets.length > 0) body.targets = targets;
    if (o.description !== undefined) body.description = o.description;
    if (!o.rename && Object.keys(body).length === 0) throw new CliError('nothing to set: give targets, --description or --rename');
    let view = Object.keys(body).length > 0 ? await c.send<AliasView>('PUT', path(name), body) : undefined;
    if (o.rename) view = await c.send<AliasView>('POST', `${path(name)}/rename`, { name: o.rename });
    if (view) print(o, view, () => formatAliases([view]));
  });
  admin(alias.command('rm').description('delete an alias (and the model-map entries that name it)').argument('<name>')).action(async (name: string, o: AdminOpts) => {
    const res = await client(o).send<{ ok: boolean; removedMapEntries: number }>('DELETE', path(name));
    print(o, res, () => `removed alias ${name}${res.removedMapEntries ? ` and ${res.removedMapEntries} model-map entr${res.removedMapEntries === 1 ? 'y' : 'ies'}` : ''}`);
  });

  const map = program.command('map').description('model map: names clients hard-code (claude-*, gpt-5*) → an alias; first match wins');
  const showMap = (m: RoutingView['modelMap']) => m.map((e, i) => `${String(i + 1).padStart(2)}. ${e.pattern} → ${e.alias}`).join('\n') || '(empty)';
  admin(map.command('list').description('the model map in order')).action(async (o: AdminOpts) => {
    const r = await client(o).get<RoutingView>('/routing');
    print(o, r.modelMap, () => showMap(r.modelMap));
  });
  admin(
    map
      .command('set')
      .description('send names matching <pattern> to <alias> (replaces that pattern\'s entry, else adds one at the top)')
      .argument('<pattern>', 'glob: * any run, ? one character, [..] a class')
      .argument('<alias>', 'an alias, or a provider/model'),
  ).action(async (pattern: string, target: string, o: AdminOpts) => {
    const c = client(o);
    const current = (await c.get<RoutingView>('/routing')).modelMap;
    const at = current.findIndex((e) => e.pattern === pattern);
    const next = at >= 0 ? current.map((e, i) => (i === at ? { pattern, alias: target } : e)) : [{ pattern, alias: target }, ...current];
    const r = await c.send<RoutingView>('PUT', '/routing/model-map', { modelMap: next });
    print(o, r.modelMap, () => showMap(r.modelMap));
  });
  admin(map.command('rm').description('remove the entry for <pattern>').argument('<pattern>')).action(async (pattern: string, o: AdminOpts) => {
    const c = client(o);
    const current = (await c.get<RoutingView>('/routing')).modelMap;
    if (!current.some((e) => e.pattern === pattern)) throw new CliError(`no model-map entry for '${pattern}' (see \`lynkr map list\`)`);
    const r = await c.send<RoutingView>('PUT', '/routing/model-map', { modelMap: current.filter((e) => e.pattern !== pattern) });
    print(o, r.modelMap, () => showMap(r.modelMap));
  });
}
