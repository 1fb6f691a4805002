// Starts `briefings lsp` for the YAML files of briefings/ and sources/ (vscode-languageclient does the rest).
"use strict";
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function serverCommand() {
  const settings = vscode.workspace.getConfiguration("briefings");
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
  const [command, ...args] = settings.get("command").map((part) => part.replaceAll("${workspaceFolder}", folder));
  const snapshots = settings.get("snapshots");
  return { command, args, options: { cwd: folder || undefined }, snapshots };
}

exports.activate = async function activate() {
  const { command, args, options, snapshots } = serverCommand();
  client = new LanguageClient("briefings", "Sourced Briefings", { command, args, options }, {
    documentSelector: [
      { scheme: "file", language: "yaml", pattern: "**/briefings/*.yaml" },
      { scheme: "file", language: "yaml", pattern: "**/sources/*.yaml" },
    ],
    initializationOptions: snapshots ? { snapshots } : {},
  });
  await client.start();
};

exports.deactivate = function deactivate() {
  return client ? client.stop() : undefined;
};
