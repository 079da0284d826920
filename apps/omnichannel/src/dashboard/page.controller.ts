import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { Response } from 'express';
import { join } from 'node:path';
import { Public } from '../auth/roles.decorator';

/** Where `npm run build` puts the bundled page (apps/dashboard-web), next to the compiled service. */
const PAGE_DIRECTORY = join(__dirname, '..', '..', 'public');
const ASSETS = new Set(['app.js', 'app.css']);

/**
 * The supervisor's page at `/`, and its script and style sheet. Public: they hold no data, and a browser opening
 * the page has no token yet; the page asks for one and sends it to the statistics, which need the supervisor role.
 */
@Controller()
@Public()
export class PageController {
  @Get()
  page(@Res() response: Response): void {
    this.send(response, 'index.html');
  }

  @Get('dashboard/:file')
  asset(@Param('file') file: string, @Res() response: Response): void {
    if (!ASSETS.has(file)) throw new NotFoundException(`no such file '${file}'`);
    this.send(response, file);
  }

  private send(response: Response, file: string): void {
    // Always revalidated: a new build is picked up by a reload.
    response.sendFile(file, { root: PAGE_DIRECTORY, headers: { 'cache-control': 'no-cache' } });
  }
}
