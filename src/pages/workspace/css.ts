import { pageAsset } from '../render';
import { WORKSPACE_CSS } from './assets';

/** The stylesheet of the workspace, draft and settings pages, served from /assets. */
export const WORKSPACE_CSS_URL = pageAsset('workspace.css', WORKSPACE_CSS);
