import * as vscode from 'vscode';
import { ENVIRONMENTS_VIEW_ID } from '../contextKeys';
import type { TreeNode } from './treeModel';

/**
 * The Environments view: maps tree nodes to TreeItems. Its nodes come from `children`, which loads the
 * services on first call, so registering the view at activation costs nothing.
 */
class EnvironmentsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(readonly getChildren: (node?: TreeNode) => Promise<TreeNode[]>) {}

  refresh(): void {
    this.changed.fire();
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
    this.changed.dispose();
  }
}

/** Registers the Environments view; `refresh` makes it ask for its nodes again. */
export function registerEnvironmentsTree(children: (node?: TreeNode) => Promise<TreeNode[]>): { refresh(): void; disposables: vscode.Disposable[] } {
  const provider = new EnvironmentsTreeProvider(children);
  const view = vscode.window.createTreeView(ENVIRONMENTS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  return { refresh: () => provider.refresh(), disposables: [provider, view] };
}
