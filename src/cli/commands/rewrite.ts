import type { Command } from '../command.js';
export const rewriteCommand: Command = { name: 'rewrite', summary: 'Rewrite a playlist so every URI carries the credentials of a signed URL', help: 'in progress', run: async () => 1 };
