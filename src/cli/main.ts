#!/usr/bin/env node
// `vtepd`: the daemon, and the iproute2-style commands that talk to it over the control socket.
// Exit status 0 on success, 1 on any error, which is printed as one `Error: ...` line.
import { readFileSync } from 'node:fs';
import { type Command, type GlobalOptions, USAGE, commandUsage, parseArgs } from './args.js';
import { formatEvpn, formatFdb, formatLinks, formatMonitorEvent, formatPorts, formatStats, formatStatus } from './format.js';
import { formatL2tpSessions, formatL2tpTunnels } from '../l2tp/format.js';
import { ControlClient } from '../control/client.js';
import { resolveSocketPath } from '../control/protocol.js';

async function main(argv: string[]): Promise<void> {
  const { options, command } = parseArgs(argv);
  switch (command.name) {
    case 'help':
      process.stdout.write(command.topic === undefined ? USAGE : commandUsage(command.topic));
      return;
    case 'version': {
      // The version of the package this file was installed with.
      const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      process.stdout.write(`vtepd ${version}\n`);
      return;
    }
    case 'daemon': {
      // Loaded only here: nothing else in the CLI needs the data plane.
      const { runDaemon } = await import('../daemon/daemon.js');
      const { resolveLogLevel } = await import('../daemon/daemonOptions.js');
      await runDaemon({
        socketPath: options.socket,
        configPath: command.config,
        statePath: command.state,
        removeOnExit: command.removeOnExit,
        strictState: command.strictState,
        metrics: command.metrics,
        workers: command.workers,
        adaptivePoll: command.adaptivePoll,
        logLevel: resolveLogLevel(command.logLevel),
        evpn: command.evpn,
      });
      return;
    }
    default: {
      // `vtepd fdb show | head` closes stdout early: that is the reader's choice, not an error.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') process.stderr.write(`Error: cannot write output: ${err.message}\n`);
        process.exit(err.code === 'EPIPE' ? 0 : 1);
      });
      const client = await ControlClient.connect(resolveSocketPath(options.socket));
      // The change was made (exit status 0); the warning says it is not saved yet.
      client.on('warning', (warning) => process.stderr.write(`Warning: ${warning}\n`));
      try {
        process.stdout.write(await runControlCommand(client, command, options));
      } finally {
        client.close();
      }
    }
  }
}

type ControlCommand = Exclude<Command, { name: 'help' | 'version' | 'daemon' }>;

/** Carries out `command` through the daemon; returns what to print. */
async function runControlCommand(client: ControlClient, command: ControlCommand, options: GlobalOptions): Promise<string> {
  switch (command.name) {
    case 'link.add':
      await client.request('link.add', command.spec);
      return '';
    case 'link.del':
      await client.request('link.del', { name: command.link });
      return '';
    case 'link.show':
      return formatLinks(await client.request('link.show', { name: command.link }), options.json);
    case 'fdb.add':
    case 'fdb.append':
    case 'fdb.replace':
      await client.request(command.name, { dev: command.dev, ...command.entry });
      return '';
    case 'fdb.del':
      await client.request('fdb.del', { dev: command.dev, ...command.selector });
      return '';
    case 'fdb.show': {
      const rows = await client.request('fdb.show', { dev: command.dev });
      // Text leaves out port and vni where they are the device's own: that needs the devices.
      const links = options.json ? [] : await client.request('link.show', { name: command.dev });
      return formatFdb(rows, links, options.json);
    }
    case 'stats':
      return formatStats(await client.request('stats', { name: command.link }), options.json);
    case 'port.show':
      return formatPorts(await client.request('port.show', {}), options.json);
    case 'status':
      return formatStatus(await client.request('status', {}), options.json);
    case 'reload': {
      const changes = await client.request('reload', {});
      return options.json ? `${JSON.stringify(changes)}\n` : changes.map((line) => `${line}\n`).join('');
    }
    case 'evpn.show':
      return formatEvpn(await client.request('evpn.show', {}), options.json);
    case 'l2tp.tunnel.add':
    case 'l2tp.session.add':
      await client.request(command.name, command.spec);
      return '';
    case 'l2tp.tunnel.del':
      await client.request('l2tp.tunnel.del', { tunnel_id: command.tunnelId });
      return '';
    case 'l2tp.session.del':
      await client.request('l2tp.session.del', { tunnel_id: command.tunnelId, session_id: command.sessionId });
      return '';
    case 'l2tp.tunnel.show':
      return formatL2tpTunnels(await client.request('l2tp.tunnel.show', { tunnel_id: command.tunnelId }), options.json, options.stats);
    case 'l2tp.session.show':
      return formatL2tpSessions(await client.request('l2tp.session.show', command.selector), options.json);
    case 'monitor':
      client.on('event', (event) => process.stdout.write(formatMonitorEvent(event, options.json)));
      await client.monitor();
      await client.closed;
      throw new Error('vtepd closed the connection');
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`Error: ${message.trim().replace(/\s*\n\s*/g, '; ')}\n`);
  process.exitCode = 1;
});
