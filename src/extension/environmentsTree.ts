import * as vscode from 'vscode';
import type { Environments } from './environments';
import { treeNodes, type TreeNode } from './treeModel';

export const ENVIRONMENTS_VIEW_ID = 'authFlow.environments';

/** Maps the pure tree model to TreeItems; refreshes when profiles, secrets or the sandbox change. */
class EnvironmentsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly environments: Environments) {
    this.subscription = environments.onDidChange(() => this.refresh());
  }

  refresh(): void {
    this.changed.fire();
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    return node ? (node.children ?? []) : treeNodes(await this.environments.entries());
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, node.children?.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon);
    item.contextValue = node.contextValue;
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/**
 * Registers the Environments view; `refresh` re-reads profiles (saved in another window, for example),
 * `children` is what the view is given for a node (the roots without one).
 */
export function registerEnvironmentsTree(environments: Environments): { refresh(): void; children(node?: TreeNode): Promise<TreeNode[]>; disposables: vscode.Disposable[] } {
  const provider = new EnvironmentsTreeProvider(environments);
  const view = vscode.window.createTreeView(ENVIRONMENTS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  // globalState has no change event across windows: re-read when this window regains focus.
  const focus = vscode.window.onDidChangeWindowState((state) => state.focused && provider.refresh());
  return { refresh: () => provider.refresh(), children: (node) => provider.getChildren(node), disposables: [provider, view, focus] };
}
