/** GET / (the browser dashboard) and GET /web/:file (its script, styles and source maps). */
import {
  Controller,
  Get,
  Header,
  Inject,
  NotFoundException,
  Param,
  ServiceUnavailableException,
  StreamableFile,
} from '@nestjs/common';
import { STREAMING_CONFIG, type StreamingConfig } from '../config.js';
import { WebAssets, defaultWebDir, type WebAsset } from './web-assets.js';

@Controller()
export class DashboardController {
  private readonly assets: WebAssets;

  constructor(@Inject(STREAMING_CONFIG) config: StreamingConfig) {
    this.assets = new WebAssets(config.webDir ?? defaultWebDir());
  }

  @Get()
  @Header('Cache-Control', 'no-cache')
  page(): StreamableFile {
    const problem = this.assets.problem();
    if (problem) throw new ServiceUnavailableException(problem);
    return file(this.assets.get('index.html')!);
  }

  @Get('web/:file')
  @Header('Cache-Control', 'no-cache')
  asset(@Param('file') name: string): StreamableFile {
    const asset = this.assets.get(name);
    if (!asset) throw new NotFoundException(`the dashboard has no file '${name}'`);
    return file(asset);
  }
}

function file(asset: WebAsset): StreamableFile {
  return new StreamableFile(asset.body, { type: asset.contentType, length: asset.body.length });
}
